namespace LogSentinel.Detector.Rules;

/// <summary>One problem in a rule file, where it is: "rules/ssh.yaml:12:5: window: '10 minutes' is not a duration".</summary>
public sealed record RuleError(string File, long Line, long Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A rule file or folder that cannot be used; every problem found is listed, each with its line and column.</summary>
public sealed class RuleLoadException(IReadOnlyList<RuleError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<RuleError> Errors { get; } = errors;
}
