# Django's Indonesian formats, with the time zone's abbreviation after each date and time.
DATETIME_FORMAT = "j N Y, G.i T"
SHORT_DATETIME_FORMAT = "d-m-Y G.i T"
