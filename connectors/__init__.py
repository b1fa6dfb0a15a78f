"""Channel adapters, one module per channel, all behind ``connectors.base.Channel``."""
