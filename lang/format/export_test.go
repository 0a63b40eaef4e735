package format

// Verify exposes verify to the tests of package format_test.
var Verify = verify
