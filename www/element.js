// The ES-module install: importing the package defines <nps-survey> (the wasm loads when an
// element is connected, or on the first API call).
import * as nps from '/pkg/index.js';

window.npsModule = nps;
