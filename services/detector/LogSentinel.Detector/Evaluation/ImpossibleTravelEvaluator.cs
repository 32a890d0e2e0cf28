using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// impossible_travel: two logins of one account (the key) from places too far apart for the time between them.
/// When both logins carry a location (a city database), the journey is impossible when the great-circle distance
/// over the elapsed time exceeds the rule's speed; otherwise a change of country within the window is enough.
/// Logins without a country (private and reserved addresses) say nothing about where the account is and are
/// ignored. A key remembers its latest login, and each login is judged against the one before it; with a
/// `lookback`, it also remembers the countries it used within it, and a login from one of them is no journey (a
/// second home, a VPN the owner uses, the phone's roaming), so only a place new to the account raises an alert.
/// </summary>
internal sealed class ImpossibleTravelEvaluator(Rule rule) : RuleEvaluator<ImpossibleTravelEvaluator.State>(rule)
{
    /// <summary>Mean earth radius (IUGG), km.</summary>
    private const double EarthRadiusKm = 6371.0088;

    /// <summary>Countries remembered per account: more than anyone really uses; the oldest is forgotten first.</summary>
    internal const int MaxPlaces = 16;

    internal sealed class State : KeyState
    {
        public bool HasLogin;
        public Seen Latest;
        public GeoPoint? Location;
        public List<(string Country, long LastTicks)>? Places;
    }

    // The previous login matters only while a next one could come within the window; known places for the look-back.
    protected override TimeSpan Retention => Rule.LookBack > Rule.Window ? Rule.LookBack : Rule.Window;

    protected override State NewState() => new();

    protected override bool Ignores(SecurityEvent e) => e.Source?.Geo?.CountryIsoCode is null;

    protected override void SaveState(State state, BinaryWriter w)
    {
        w.Write(state.HasLogin);
        if (state.HasLogin)
            w.Write(state.Latest);
        w.Write(state.Location);
        w.Write(state.Places?.Count ?? -1);
        foreach (var (country, last) in state.Places ?? [])
        {
            w.Write(country);
            w.Write(last);
        }
    }

    protected override void LoadState(State state, BinaryReader r)
    {
        state.HasLogin = r.ReadBoolean();
        if (state.HasLogin)
            state.Latest = r.ReadSeen();
        state.Location = r.ReadGeoPoint();
        var places = r.ReadInt32();
        if (places < 0)
            return;
        state.Places = new(places);
        for (var i = 0; i < places; i++)
            state.Places.Add((r.ReadString(), r.ReadInt64()));
    }

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        var location = e.Source?.Geo?.Location;
        if (!state.HasLogin || !Impossible(state.Latest, state.Location, seen, location) || Known(state, seen))
        {
            Remember(state, seen, location);
            return null;
        }
        var (first, second) = state.Latest.Ticks <= seen.Ticks ? (state.Latest, seen) : (seen, state.Latest);
        var episode = Open(key, first, second.Ticks);
        episode.Add(first, first.Country);
        episode.Add(second, second.Country);
        episode.SetCount(2);
        // The new place becomes one of the account's, as new_value learns a value: one alert per new place, not one
        // per login from it (a VPN switched on and off all day).
        Remember(state, seen, location);
        return episode;
    }

    /// <summary>
    /// During the cooldown each further login that is again impossible from the one before it is another journey: it
    /// joins the alert and adds to the count (an account hopping between continents). Ordinary logins of the account
    /// between the journeys are not listed: the alert names the places that cannot all be the owner.
    /// </summary>
    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        var location = e.Source?.Geo?.Location;
        var journey = state.HasLogin && Impossible(state.Latest, state.Location, seen, location) && !Known(state, seen);
        if (journey)
        {
            episode.Add(seen, seen.Country);
            episode.SetCount(episode.Count + 1);
        }
        Remember(state, seen, location);
    }

    /// <summary>The login's country is one of the account's places within the look-back (never, without one).</summary>
    private bool Known(State state, in Seen seen)
    {
        if (Rule.LookBack <= TimeSpan.Zero || state.Places is not { } places)
            return false;
        foreach (var (country, last) in places)
        {
            if (string.Equals(country, seen.Country, StringComparison.Ordinal))
                return seen.Ticks - last <= Rule.LookBack.Ticks;
        }
        return false;
    }

    private void Remember(State state, in Seen seen, GeoPoint? location)
    {
        if (Rule.LookBack > TimeSpan.Zero && seen.Country is { } country)
        {
            var places = state.Places ??= new(2);
            var at = places.FindIndex(p => string.Equals(p.Country, country, StringComparison.Ordinal));
            if (at >= 0)
                places[at] = (country, Math.Max(places[at].LastTicks, seen.Ticks));
            else
            {
                if (places.Count == MaxPlaces)
                    places.RemoveAt(places.FindIndex(p => p.LastTicks == places.Min(q => q.LastTicks)));
                places.Add((country, seen.Ticks));
            }
        }
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
