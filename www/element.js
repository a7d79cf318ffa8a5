// The ES-module install: importing the package loads the wasm and defines <nps-survey>.
import * as nps from '/pkg/index.js';

window.npsModule = nps;
nps.loaded();
