"""One router per role or concern; `govledger.web.install` mounts them all."""
