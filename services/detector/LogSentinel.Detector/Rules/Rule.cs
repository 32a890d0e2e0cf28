namespace LogSentinel.Detector.Rules;

public enum RuleType
{
    Threshold,
    Distinct,
    Sequence,
    NewValue,
    Fleet,
    ImpossibleTravel,
}

public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>One detection rule as loaded and checked from YAML (docs/rules.md).</summary>
public sealed record Rule
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    public required Severity Severity { get; init; }
    public required RuleType Type { get; init; }

    /// <summary>Which events the rule counts (for a sequence: the failures; for impossible_travel: the logins).</summary>
    public required EventMatcher Match { get; init; }

    /// <summary>Sequence only: the event that completes the sequence (the success).</summary>
    public EventMatcher? Then { get; init; }

    /// <summary>Threshold and distinct only: an event that clears the key's count so far (the failures led to a login).</summary>
    public EventMatcher? Reset { get; init; }

    public required GroupBy GroupBy { get; init; }

    public TimeSpan Window { get; init; }

    /// <summary>Count, distinct values, failures or hosts the rule needs; 1 for new_value, 2 (logins) for impossible_travel.</summary>
    public long Threshold { get; init; } = 1;

    /// <summary>Distinct: the field whose values are counted; new_value: the field whose values are remembered.</summary>
    public EventField? Field { get; init; }

    /// <summary>new_value: how long a seen value stays known; impossible_travel: how long a country the account used stays one of its places.</summary>
    public TimeSpan LookBack { get; init; }

    /// <summary>new_value: a key raises nothing until its history is this old (its usual values are being learnt).</summary>
    public TimeSpan Learning { get; init; }

    /// <summary>impossible_travel: the speed (km/h) two located logins must need to be judged impossible.</summary>
    public double Speed { get; init; }

    /// <summary>
    /// threshold: the counted events must also span at least this long (0: no minimum). A slow rule with it fires on
    /// attempts spread over time, not again on every fast attack the rules with short windows already caught.
    /// </summary>
    public TimeSpan MinSpan { get; init; }

    /// <summary>No second alert for the same key inside it; the open alert's counters are updated instead.</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>The rule's definition in one canonical text: a reload keeps the state of rules whose text is unchanged.</summary>
    public required string Fingerprint { get; init; }

    public static string TypeName(RuleType type) => type switch
    {
        RuleType.Threshold => "threshold",
        RuleType.Distinct => "distinct",
        RuleType.Sequence => "sequence",
        RuleType.NewValue => "new_value",
        RuleType.Fleet => "fleet",
        RuleType.ImpossibleTravel => "impossible_travel",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();
}
