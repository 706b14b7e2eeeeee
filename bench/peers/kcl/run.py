"""Runs the KCL peer through kcl-lib's Python API: `run.py main.k` prints the JSON result."""
import sys

import kcl_lib.api as api

result = api.API().exec_program(api.ExecProgramArgs(k_filename_list=sys.argv[1:]))
if result.err_message:
    sys.exit(result.err_message)
sys.stdout.write(result.json_result)
