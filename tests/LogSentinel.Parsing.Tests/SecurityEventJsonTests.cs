using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;

namespace LogSentinel.Parsing.Tests;

/// <summary>The hand-written event converter: every field both ways, strict on what is required, lenient on extras.</summary>
public sealed class SecurityEventJsonTests
{
    private const string Full =
        """{"@timestamp":"2026-02-05T14:34:10.25Z","event":{"id":"00ab","kind":"event","action":"sudo-auth-failure","outcome":"failure","category":["authentication","process"],"type":["start"],"dataset":"auth","reason":"3 incorrect password attempts","original":"raw line"},"host":{"name":"deb-mail-01"},"process":{"name":"sudo","pid":4242,"command_line":"/bin/cat /etc/shadow"},"source":{"address":"2001:db8::1","ip":"2001:db8::1","port":2222,"geo":{"country_iso_code":"BG","country_name":"Bulgaria"}},"user":{"name":"alice","target":{"name":"root"}},"network":{"protocol":"ssh"},"rule":{"name":"sshd"},"log":{"file":{"path":"/var/log/auth.log"},"offset":1234567890123}}""";

    private static SecurityEvent Read(string json) => JsonSerializer.Deserialize(json, ContractsJsonContext.Default.SecurityEvent)!;

    private static string Write(SecurityEvent e) => JsonSerializer.Serialize(e, ContractsJsonContext.Default.SecurityEvent);

    [Fact]
    public void Should_read_every_field_and_write_the_same_json_back()
    {
        var e = Read(Full);
        Assert.Equal(new DateTime(2026, 2, 5, 14, 34, 10, 250, DateTimeKind.Utc), e.Timestamp);
        Assert.Equal(DateTimeKind.Utc, e.Timestamp.Kind);
        Assert.Equal(("00ab", "event", "sudo-auth-failure", "failure", "auth"), (e.Event.Id, e.Event.Kind, e.Event.Action, e.Event.Outcome, e.Event.Dataset));
        Assert.Equal(["authentication", "process"], e.Event.Category);
        Assert.Equal(["start"], e.Event.Type!);
        Assert.Equal(("3 incorrect password attempts", "raw line"), (e.Event.Reason, e.Event.Original));
        Assert.Equal(("sudo", 4242, "/bin/cat /etc/shadow"), (e.Process!.Name, e.Process.Pid, e.Process.CommandLine));
        Assert.Equal(("2001:db8::1", "2001:db8::1", 2222), (e.Source!.Address, e.Source.Ip, e.Source.Port));
        Assert.Equal(("BG", "Bulgaria", null), (e.Source.Geo!.CountryIsoCode, e.Source.Geo.CountryName, e.Source.Geo.Name));
        Assert.Equal(("alice", "root"), (e.User!.Name, e.User.Target!.Name));
        Assert.Equal(("ssh", "sshd"), (e.Network!.Protocol, e.Rule!.Name));
        Assert.Equal(("/var/log/auth.log", 1234567890123L), (e.Log.File.Path, e.Log.Offset));
        Assert.Equal(Full, Write(e));
    }

    [Fact]
    public void Should_leave_out_absent_parts_and_default_the_kind()
    {
        const string minimal = """{"@timestamp":"2026-02-05T14:34:10Z","event":{"id":"1","action":"login-failure","outcome":"failure","category":["authentication"],"dataset":"auth"},"host":{"name":"h"},"log":{"file":{"path":"/p"},"offset":0}}""";
        var e = Read(minimal);
        Assert.Equal("event", e.Event.Kind);
        Assert.Null(e.Process);
        Assert.Null(e.Source);
        Assert.Null(e.User);
        Assert.Null(e.Event.Type);
        Assert.Equal(minimal.Replace("\"action\"", "\"kind\":\"event\",\"action\"", StringComparison.Ordinal), Write(e));
    }

    [Fact]
    public void Should_skip_unknown_properties_and_accept_nulls_for_optional_parts()
    {
        var json = Full
            .Replace("\"host\":", "\"extra\":{\"deep\":[1,{\"x\":null}]},\"host\":", StringComparison.Ordinal)
            .Replace("\"process\":{\"name\":\"sudo\",", "\"process\":{\"name\":\"sudo\",\"thread\":{\"id\":3},", StringComparison.Ordinal)
            .Replace("\"network\":{\"protocol\":\"ssh\"}", "\"network\":null", StringComparison.Ordinal);
        var e = Read(json);
        Assert.Equal("sudo", e.Process!.Name);
        Assert.Equal("deb-mail-01", e.Host.Name);
        Assert.Null(e.Network);
    }

    [Fact]
    public void Should_decode_escaped_and_non_ascii_values()
    {
        var e = Read(Full.Replace("\"name\":\"alice\"", "\"name\":\"\\u003cimg\\u003e \\\"j\\u00fcrgen\\\" \u00e9\"", StringComparison.Ordinal));
        Assert.Equal("<img> \"jürgen\" é", e.User!.Name);
        Assert.Equal("<img> \"jürgen\" é", Read(Write(e)).User!.Name);
    }

    [Theory]
    [InlineData("\"id\":\"00ab\",", "", "event.id")]
    [InlineData("\"host\":{\"name\":\"deb-mail-01\"},", "", "host")]
    [InlineData("\"offset\":1234567890123", "\"offset\":\"12\"", "log.offset")]
    [InlineData("\"action\":\"sudo-auth-failure\"", "\"action\":7", "event.action")]
    [InlineData("\"pid\":4242", "\"pid\":99999999999", "process.pid")]
    [InlineData("\"@timestamp\":\"2026-02-05T14:34:10.25Z\"", "\"@timestamp\":\"yesterday\"", "@timestamp")]
    [InlineData("\"category\":[\"authentication\",\"process\"]", "\"category\":\"authentication\"", "event.category")]
    public void Should_reject_a_missing_or_mistyped_field_naming_it(string part, string replacement, string field)
    {
        var error = Assert.Throws<JsonException>(() => Read(Full.Replace(part, replacement, StringComparison.Ordinal)));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_and_write_the_source_location_of_a_city_database()
    {
        var json = Full
            .Replace("\"dataset\":\"auth\",", "\"dataset\":\"auth\",\"attempt\":true,", StringComparison.Ordinal)
            .Replace("\"country_name\":\"Bulgaria\"}", "\"country_name\":\"Bulgaria\",\"location\":{\"lat\":42.6977,\"lon\":-23.3219}}", StringComparison.Ordinal);

        var e = Read(json);

        Assert.True(e.Event.Attempt);
        Assert.Equal(new GeoPoint { Lat = 42.6977, Lon = -23.3219 }, e.Source!.Geo!.Location);
        Assert.Equal(json, Write(e));
        Assert.Null(Read(Full).Source!.Geo!.Location);
        Assert.DoesNotContain("location", Write(Read(Full)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"lat\":\"42.7\",\"lon\":23.3}", "source.geo.location.lat")]
    [InlineData("{\"lat\":42.7}", "source.geo.location.lon")]
    [InlineData("[42.7,23.3]", "source.geo.location")]
    public void Should_reject_a_location_that_is_not_a_lat_lon_object(string location, string field)
    {
        var json = Full.Replace("\"country_name\":\"Bulgaria\"}", "\"country_name\":\"Bulgaria\",\"location\":" + location + "}", StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => Read(json));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_share_one_instance_of_a_repeated_value_across_events()
    {
        var first = Read(Full);
        var second = Read(Full.Replace("\"id\":\"00ab\"", "\"id\":\"00ac\"", StringComparison.Ordinal));
        Assert.Same(first.Host.Name, second.Host.Name);
        Assert.Same(first.Source!.Ip, second.Source!.Ip);
        Assert.Same(first.Event.Action, second.Event.Action);
        Assert.NotSame(first.Event.Id, second.Event.Id);
    }
}
