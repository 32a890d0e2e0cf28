using System.Diagnostics;

namespace LogSentinel.Testing;

/// <summary>The real CC0 country database, installed once by scripts/install-geoip.sh (the repository does not carry it).</summary>
public static class GeoIpDatabase
{
    private static readonly Lazy<string> Installed = new(Install);

    public static string Path => Installed.Value;

    private static string Install()
    {
        var root = Repository.Root;
        var path = System.IO.Path.Combine(root, ".cache", "geoip", "geo-whois-asn-country.mmdb");
        if (File.Exists(path))
            return path;
        using var process = Process.Start(new ProcessStartInfo("bash", [System.IO.Path.Combine(root, "scripts", "install-geoip.sh"), System.IO.Path.Combine(root, ".cache", "geoip")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        if (process.ExitCode != 0 || !File.Exists(path))
            throw new InvalidOperationException("scripts/install-geoip.sh failed: " + error);
        return path;
    }
}
