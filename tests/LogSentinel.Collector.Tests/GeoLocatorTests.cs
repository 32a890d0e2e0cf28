using LogSentinel.GeoIp;

namespace LogSentinel.Collector.Tests;

/// <summary>Against the real CC0 country database, installed by scripts/install-geoip.sh (the repository does not carry it).</summary>
public sealed class GeoLocatorTests
{
    private static readonly Lazy<string> Database = new(() => GeoIpDatabase.Path);

    [Theory]
    [InlineData("8.8.8.8", "US")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("193.0.6.139", "NL")]
    [InlineData("::ffff:8.8.4.4", "US")]
    public void Should_give_the_country_of_a_public_address(string ip, string country)
    {
        using var geo = new GeoLocator(Database.Value);
        Assert.True(geo.HasDatabase);
        Assert.Equal(country, geo.Locate(ip)?.CountryIsoCode);
    }

    [Theory]
    [InlineData("10.1.2.3", AddressScopes.Private)]
    [InlineData("192.168.0.1", AddressScopes.Private)]
    [InlineData("172.31.255.255", AddressScopes.Private)]
    [InlineData("127.0.0.1", AddressScopes.Loopback)]
    [InlineData("169.254.1.1", AddressScopes.LinkLocal)]
    [InlineData("100.64.0.1", AddressScopes.Shared)]
    [InlineData("203.0.113.9", AddressScopes.Reserved)]
    [InlineData("::1", AddressScopes.Loopback)]
    [InlineData("fd00::1", AddressScopes.Private)]
    [InlineData("fe80::1", AddressScopes.LinkLocal)]
    [InlineData("2001:db8::1", AddressScopes.Reserved)]
    public void Should_mark_addresses_no_country_owns(string ip, string scope)
    {
        using var geo = new GeoLocator(Database.Value);
        var located = geo.Locate(ip)!;
        Assert.Equal(scope, located.Name);
        Assert.Null(located.CountryIsoCode);
    }

    [Fact]
    public void Should_work_without_a_database()
    {
        var trouble = new List<string>();
        using var geo = new GeoLocator("/nonexistent/country.mmdb", trouble.Add);
        Assert.False(geo.HasDatabase);
        Assert.Single(trouble);
        Assert.Null(geo.Locate("8.8.8.8"));
        Assert.Equal(AddressScopes.Private, geo.Locate("10.0.0.1")!.Name);
    }

    [Fact]
    public void Should_enrich_an_event_and_leave_one_without_address_alone()
    {
        using var geo = new GeoLocator(Database.Value);
        var e = ParseOne("Mar  2 08:15:01 web-01 sshd[1]: Failed password for root from 8.8.8.8 port 1 ssh2");
        Assert.Equal("US", geo.Enrich(e).Source!.Geo!.CountryIsoCode);
        var local = ParseOne("Mar  2 08:15:01 web-01 sudo:   carol : TTY=pts/1 ; PWD=/ ; USER=root ; COMMAND=/bin/ls");
        Assert.Same(local, geo.Enrich(local));
    }

    private static Contracts.SecurityEvent ParseOne(string line)
    {
        var events = new List<Contracts.SecurityEvent>();
        var parser = new Parsing.LogParser(new Parsing.LogParserOptions { FilePath = "/x", DefaultHost = "h", Year = 2026 }, events.Add);
        parser.ParseLine(System.Text.Encoding.UTF8.GetBytes(line), 0);
        return Assert.Single(events);
    }
}
