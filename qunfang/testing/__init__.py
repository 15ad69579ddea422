"""What the tests share: the standing world (world.py), signed-in clients (clients.py), the walks of every
page (walks.py), every app's records at a place (records.py, each app adding its own from its
`testing.py`), the shared demo database (demo.py) and the harnesses of tests that run real processes
(processes.py)."""
