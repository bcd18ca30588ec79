"""CMX 3600 EDLs: which tracks and channels go in (`layout`), KijkoCut's own writer (`write`), reading through
OTIO's cmx_3600 adapter (`read`) and what an EDL cannot carry (`losses`)."""
