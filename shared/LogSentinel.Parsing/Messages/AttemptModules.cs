namespace LogSentinel.Parsing.Messages;

/// <summary>Names a back end's module (a PAM module, a dovecot passdb driver) by a hash the attempt ledger compares.</summary>
internal static class AttemptModules
{
    public static int Of(ReadOnlySpan<byte> name) => name.IsEmpty ? 0 : (int)Identity.XxHash64.Hash(name) | 1;
}
