"""Pure qbXML: builders, response parsers, the envelope and field rules.

Nothing in this package touches a database, the clock, the environment or the network.
"""
