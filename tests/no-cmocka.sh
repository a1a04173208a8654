#!/bin/sh
# no-cmocka.sh - stands in for the unit tests when cmocka was not found.
echo "FAIL: cmocka not found at configure time: install libcmocka-dev" \
    "(tests/setup.sh does) and run ./configure again" >&2
exit 1
