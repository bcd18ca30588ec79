"""Interchange with other editors. Adapters live here, outside the core model: `kijkocut.interchange.otio`
maps projects to and from OpenTimelineIO (and through its adapters to FCP XML, EDL, ...)."""
