"""The demo's stories: each module holds its organisations and takes them past the contract."""
