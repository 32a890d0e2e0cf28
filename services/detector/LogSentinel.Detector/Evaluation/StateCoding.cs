using LogSentinel.Contracts;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// Writes a rule state's pieces for a partition's checkpoint (<see cref="DetectionEngine.Save"/>). A hand-written
/// binary layout rather than a serializer: the states are private structs and rings tuned for memory, which a
/// reflection serializer would have to see through public properties they deliberately do not have.
/// </summary>
internal static class StateWriting
{
    public static void WriteNullable(this BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
            w.Write(value);
    }

    public static void Write(this BinaryWriter w, in Seen seen)
    {
        w.Write(seen.Ticks);
        w.Write(seen.Id);
        w.Write(seen.Host);
        w.WriteNullable(seen.User);
        w.WriteNullable(seen.Ip);
        w.WriteNullable(seen.Country);
    }

    public static void Write(this BinaryWriter w, GeoPoint? point)
    {
        w.Write(point is not null);
        if (point is null)
            return;
        w.Write(point.Lat);
        w.Write(point.Lon);
    }
}

/// <summary>Reads what <see cref="StateWriting"/> wrote, in the same order.</summary>
internal static class StateReading
{
    public static string? ReadNullableString(this BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    public static Seen ReadSeen(this BinaryReader r) =>
        new(r.ReadInt64(), r.ReadString(), r.ReadString(), r.ReadNullableString(), r.ReadNullableString(), r.ReadNullableString());

    public static GeoPoint? ReadGeoPoint(this BinaryReader r) =>
        r.ReadBoolean() ? new GeoPoint { Lat = r.ReadDouble(), Lon = r.ReadDouble() } : null;
}
