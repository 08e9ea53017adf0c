"""Date formats that name the time zone (FORMAT_MODULE_PATH).

Every moment shown with Django's default formats — in the admin, in a
template's `{{ value }}` — carries its zone's abbreviation (WIB, WITA, WIT),
so a reader never has to guess which clock a time is on. The rest of each
language's formats are Django's.
"""
