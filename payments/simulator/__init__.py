"""A stand-in for Midtrans and Xendit that speaks their wire formats (DESIGN §3).

Served under /simulator/ only while PAYMENT_SIMULATOR is on (which settings
refuse when DEBUG is off). The SDKs reach it over real HTTP through their own
base-URL settings; its payment page pays, fails or expires a payment and then
sends a correctly signed notification to our webhook, as the gateway would.
"""
