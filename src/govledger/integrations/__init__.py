"""Integrations with the systems around the ledger: procurement data (`ocds`), migration, finance.

Each integration writes through the application object (`govledger.app.App`: its ledger and signer) and
hears what each sync brought through `App.subscribe`; none is a second path to the chain.
"""
