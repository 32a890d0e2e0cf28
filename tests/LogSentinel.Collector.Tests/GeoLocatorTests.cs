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

    [Fact]
    public void Should_add_the_location_from_a_city_database_and_none_from_a_country_record()
    {
        // One search-tree node: addresses starting with a 0 bit get a city record (GeoLite2-City layout), the others
        // a flat country record (ip-location-db layout).
        var path = Path.Combine(Path.GetTempPath(), $"ls-city-{Guid.NewGuid():n}.mmdb");
        File.WriteAllBytes(path, CityDatabase());
        try
        {
            using var geo = new GeoLocator(path);
            var city = geo.Locate("8.8.8.8")!;
            Assert.Equal(("US", "United States"), (city.CountryIsoCode, city.CountryName));
            Assert.Equal(new Contracts.GeoPoint { Lat = 37.751, Lon = -97.822 }, city.Location);
            var country = geo.Locate("193.0.6.139")!;
            Assert.Equal("NL", country.CountryIsoCode);
            Assert.Null(country.Location);
            Assert.Null(geo.Locate("10.1.2.3")!.Location);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A MaxMind DB (format 2.0) written by hand: an IPv4 tree of one node, two records, the metadata.</summary>
    private static byte[] CityDatabase()
    {
        var data = new List<byte>();
        var cityOffset = data.Count;
        Map(data, 2);
        Text(data, "country");
        Map(data, 2);
        Text(data, "iso_code");
        Text(data, "US");
        Text(data, "names");
        Map(data, 1);
        Text(data, "en");
        Text(data, "United States");
        Text(data, "location");
        Map(data, 3);
        Text(data, "accuracy_radius");
        data.AddRange([0xA2, 0x03, 0xE8]);
        Text(data, "latitude");
        Double(data, 37.751);
        Text(data, "longitude");
        Double(data, -97.822);
        var countryOffset = data.Count;
        Map(data, 1);
        Text(data, "country_code");
        Text(data, "NL");

        const int nodeCount = 1;
        var file = new List<byte>();
        file.AddRange(Record24(nodeCount + 16 + cityOffset));
        file.AddRange(Record24(nodeCount + 16 + countryOffset));
        file.AddRange(new byte[16]);
        file.AddRange(data);
        file.AddRange([0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8]);
        Map(file, 3);
        Text(file, "node_count");
        file.AddRange([0xC1, nodeCount]);
        Text(file, "record_size");
        file.AddRange([0xA1, 24]);
        Text(file, "ip_version");
        file.AddRange([0xA1, 4]);
        return [.. file];

        static byte[] Record24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];
        static void Map(List<byte> to, int entries) => to.Add((byte)(0xE0 | entries));
        static void Text(List<byte> to, string value)
        {
            to.Add((byte)(0x40 | value.Length));
            to.AddRange(System.Text.Encoding.UTF8.GetBytes(value));
        }
        static void Double(List<byte> to, double value)
        {
            to.Add(0x68);
            var bytes = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteDoubleBigEndian(bytes, value);
            to.AddRange(bytes);
        }
    }

    private static Contracts.SecurityEvent ParseOne(string line)
    {
        var events = new List<Contracts.SecurityEvent>();
        var parser = new Parsing.LogParser(new Parsing.LogParserOptions { FilePath = "/x", DefaultHost = "h", Year = 2026 }, events.Add);
        parser.ParseLine(System.Text.Encoding.UTF8.GetBytes(line), 0);
        return Assert.Single(events);
    }
}
