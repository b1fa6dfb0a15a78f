"""carecase: a multichannel customer-care workflow orchestrator.

The domain core lives here and imports neither Prefect nor the connectors; the flows in
``flows/`` and the channel adapters in ``connectors/`` build on it.
"""

__version__ = "0.1.0"
