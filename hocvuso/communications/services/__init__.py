"""Writes of the communications app, one module per part; every public name is importable
from here."""

from __future__ import annotations

from hocvuso.communications.services.campaigns import (
    ExpectationInput,
    TargetInput,
    add_resource,
    create_campaign,
    normalise_hashtags,
    publish_campaign,
    refresh_assignments,
    remove_resource,
    set_targets,
    update_campaign,
)
from hocvuso.communications.services.links import check_url, recognise_channel, url_key
from hocvuso.communications.services.outputs import (
    DuplicateLink,
    OutputInput,
    check_output,
    default_kind,
    delete_output,
    log_output,
    may_log_for,
    set_output_hidden,
    update_output,
)

__all__ = [
    "DuplicateLink",
    "ExpectationInput",
    "OutputInput",
    "TargetInput",
    "add_resource",
    "check_output",
    "check_url",
    "create_campaign",
    "default_kind",
    "delete_output",
    "log_output",
    "may_log_for",
    "normalise_hashtags",
    "publish_campaign",
    "recognise_channel",
    "refresh_assignments",
    "remove_resource",
    "set_output_hidden",
    "set_targets",
    "update_campaign",
    "update_output",
    "url_key",
]
