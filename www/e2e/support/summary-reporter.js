// Prints the run's totals as one plain line ("e2e: N passed, N failed[, N skipped]") after the
// list reporter, so CI logs state clearly how many tests ran.
'use strict';

class SummaryReporter {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
  }

  onTestEnd(test, result) {
    // Count final outcomes only (retries: 0 in this config, but stay correct if it changes).
    if (result.status === 'skipped') this.skipped += 1;
    else if (result.status === test.expectedStatus) this.passed += 1;
    else if (result.retry === test.retries) this.failed += 1;
  }

  onEnd() {
    const skipped = this.skipped ? `, ${this.skipped} skipped` : '';
    process.stdout.write(`e2e: ${this.passed} passed, ${this.failed} failed${skipped}\n`);
  }

  printsToStdio() {
    return true;
  }
}

module.exports = SummaryReporter;
