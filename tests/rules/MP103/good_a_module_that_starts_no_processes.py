import json

with open("config.json") as fh:
    CONFIG = json.load(fh)
