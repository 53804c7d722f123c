"""Getting an email to an inbox: SMTP sending, profiles, secrets, addresses and the built-in test inbox. No Qt."""
