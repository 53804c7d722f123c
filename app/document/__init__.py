"""The document and every change to it: the model, files on disk, commands and history, selection, drops, clipboard, saved blocks, the open session and autosave. No Qt."""
