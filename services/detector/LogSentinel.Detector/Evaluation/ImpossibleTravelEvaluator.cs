using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// impossible_travel: two logins of one account (the key) from places too far apart for the time between them.
/// When both logins carry a location (a city database), the journey is impossible when the great-circle distance
/// over the elapsed time exceeds the rule's speed; otherwise a change of country within the window is enough.
/// Logins without a country (private and reserved addresses) say nothing about where the account is and are
/// ignored. A key remembers only its latest login: each login is judged against the one before it.
/// </summary>
internal sealed class ImpossibleTravelEvaluator(Rule rule) : RuleEvaluator<ImpossibleTravelEvaluator.State>(rule)
{
    /// <summary>Mean earth radius (IUGG), km.</summary>
    private const double EarthRadiusKm = 6371.0088;

    internal sealed class State : KeyState
    {
        public bool HasLogin;
        public Seen Latest;
        public GeoPoint? Location;
    }

    // The previous login matters only while a next one could come within the window.
    protected override TimeSpan Retention => Rule.Window;

    protected override State NewState() => new();

    protected override bool Ignores(SecurityEvent e) => e.Source?.Geo?.CountryIsoCode is null;

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        var location = e.Source?.Geo?.Location;
        if (!state.HasLogin || !Impossible(state.Latest, state.Location, seen, location))
        {
            Remember(state, seen, location);
            return null;
        }
        var (first, second) = state.Latest.Ticks <= seen.Ticks ? (state.Latest, seen) : (seen, state.Latest);
        var episode = Open(key, first, second.Ticks);
        episode.Add(first, first.Country);
        episode.Add(second, second.Country);
        episode.SetCount(2);
        Remember(state, seen, location);
        return episode;
    }

    /// <summary>
    /// During the cooldown every further login is listed in the alert, and each one that is again impossible from the
    /// login before it adds to the count: an account hopping between continents shows as more than one journey.
    /// </summary>
    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        var location = e.Source?.Geo?.Location;
        var impossible = state.HasLogin && Impossible(state.Latest, state.Location, seen, location);
        episode.Add(seen, seen.Country);
        if (impossible)
            episode.SetCount(episode.Count + 1);
        Remember(state, seen, location);
    }

    private static void Remember(State state, in Seen seen, GeoPoint? location)
    {
        // Events can come late: the latest login is the one with the latest time, not the last one evaluated.
        if (state.HasLogin && seen.Ticks < state.Latest.Ticks)
            return;
        state.HasLogin = true;
        state.Latest = seen;
        state.Location = location;
    }

    private bool Impossible(in Seen previous, GeoPoint? previousLocation, in Seen current, GeoPoint? location)
    {
        var elapsed = Math.Abs(current.Ticks - previous.Ticks);
        if (elapsed > Rule.Window.Ticks)
            return false;
        if (previousLocation is null || location is null)
            return !string.Equals(previous.Country, current.Country, StringComparison.Ordinal);
        var kilometres = Distance(previousLocation, location);
        // Two places at once: any distance is too far (a same-place pair is not a journey at all).
        if (elapsed == 0)
            return kilometres > 0;
        return kilometres / TimeSpan.FromTicks(elapsed).TotalHours > Rule.Speed;
    }

    /// <summary>Great-circle distance in km (haversine).</summary>
    public static double Distance(GeoPoint a, GeoPoint b)
    {
        var dLat = double.DegreesToRadians(b.Lat - a.Lat);
        var dLon = double.DegreesToRadians(b.Lon - a.Lon);
        var h = Math.Pow(Math.Sin(dLat / 2), 2)
            + Math.Cos(double.DegreesToRadians(a.Lat)) * Math.Cos(double.DegreesToRadians(b.Lat)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
