"""Encryption at rest with the user's key: a streaming authenticated file format (`stream`), the keys of a data
directory (`keys`: a random data key per project, wrapped by a key from the user's passphrase or the OS
keyring), and the errors every front end shows (`errors`)."""
