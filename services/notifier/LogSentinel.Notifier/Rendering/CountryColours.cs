namespace LogSentinel.Notifier.Rendering;

/// <summary>The seed's country cell colours: the home country green, the watch list red, any other orange, unknown grey.</summary>
public static class CountryColours
{
    public const string Home = "#2e7d32";
    public const string Watched = "#c62828";
    public const string Other = "#ef6c00";
    public const string Unknown = "#757575";

    public static string Of(string? country, string home, IReadOnlyCollection<string> watched)
    {
        if (string.IsNullOrWhiteSpace(country))
            return Unknown;
        if (string.Equals(country, home, StringComparison.OrdinalIgnoreCase))
            return Home;
        return watched.Contains(country, StringComparer.OrdinalIgnoreCase) ? Watched : Other;
    }
}
