"""Architecture fingerprints: which published architecture a file implements, through its checkpoint interface."""
