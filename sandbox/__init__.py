"""Local fake channel APIs (Graph, X, Trustpilot, Google) for tests and the demo."""
