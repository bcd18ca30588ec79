"""Final Cut Pro 7 XML (xmeml), through OpenTimelineIO's FCP adapter: what KijkoCut writes into it beyond the
cuts (`write`), reads back out of it (`read`), the geometry and fades it takes (`motion`, `fades`), its filter
vocabulary (`filters`) and what it cannot carry (`losses`)."""
