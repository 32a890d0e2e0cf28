namespace LogSentinel.Contracts;

/// <summary>event.dataset values: which log a fact belongs to, whatever file or journal carried it.</summary>
public static class EventDatasets
{
    public const string Auth = "auth";
    public const string Mail = "mail";
    public const string Fail2ban = "fail2ban";
}
