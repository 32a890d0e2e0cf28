namespace LogSentinel.Notifier.Rendering;

/// <summary>A rendered notification: a header-safe subject, an HTML body and its plain-text alternative.</summary>
public sealed record EmailMessage(string Subject, string Html, string Text);
