namespace LogSentinel.Detector.Rules;

/// <summary>The rule set in force. Readers take <see cref="Current"/> once per batch; a reload swaps it whole.</summary>
public sealed class RuleSetProvider
{
    private volatile RuleSet _current = RuleSet.Empty;

    public RuleSet Current => _current;

    public event Action<RuleSet>? Changed;

    public void Set(RuleSet rules)
    {
        _current = rules;
        Changed?.Invoke(rules);
    }
}
