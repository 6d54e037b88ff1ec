# Starts cvenv's interpreter query (cvenv_query.py, beside this file): cvenv
# runs this file as a script, so that the interpreter imports the query as a
# module and keeps its bytecode, and no -c source is involved (from 3.13 an
# interpreter imports linecache to keep a -c source for tracebacks).
import sys

import cvenv_query  # found through sys.path[0]: this file's directory

# As for -c and stdin, the directory of the script is no fact of the
# interpreter's: the query reports sys.path as a plain start has it.
sys.path[0] = ""
cvenv_query.run()
