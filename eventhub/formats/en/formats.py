# Django's English formats, with the time zone's abbreviation after each date and time.
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
