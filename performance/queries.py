"""Reads for the performance page; the only module that touches the cache."""


def stats_changed():
    """Called (on commit) by the nightly jobs after they rebuild a day's facts.

    The next view of the performance page must show what they built.
    """
