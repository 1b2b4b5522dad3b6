"""schemathesis hooks for .ci/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

- Record ids: a random 64-bit id names nothing, so nearly every call would end in 404 before
  the handler's own rules. Integer path ids are folded into the range the demo data fills, so
  the fuzzer reaches real records (other values stay as generated).
- The fuzzer signs in as real accounts. Every other account is fair game, but an admin run that
  reset the password of, disabled or re-roled the very accounts the fuzzer is signed in as would
  end its own sessions (the server ends them, as it should) and test nothing more after that.
"""

import os

import schemathesis

# The ids of the accounts the fuzzer is signed in as, e.g. "1,5".
PROTECTED = {
    part.strip() for part in os.environ.get("LINJU_FUZZ_PROTECTED_USERS", "").split(",") if part.strip()
}


# Demo ids run from 1 to a few hundred (places, residents); most kinds have tens.
ID_RANGE = int(os.environ.get("LINJU_FUZZ_ID_RANGE", "60"))


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    return {
        name: 1 + abs(value) % ID_RANGE if isinstance(value, int) and not isinstance(value, bool) else value
        for name, value in path_parameters.items()
    }


@schemathesis.hook
def filter_case(context, case):
    path = case.operation.path
    if case.method.upper() != "GET" and path.startswith("/api/v1/users/{id}"):
        user = (case.path_parameters or {}).get("id")
        if str(user) in PROTECTED:
            return False
    return True
