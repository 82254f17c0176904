"""Reading and writing data that crosses the app's edge: bounded parsing, and cells safe to open in a spreadsheet.

Pure functions, no Flask: the engine, the credentials package, services and views all use them.
"""
