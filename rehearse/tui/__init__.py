"""The rehearsal app: a Textual shell over the scoring core (nothing in the core imports this)."""
