using System.Security.Cryptography;
using LogSentinel.Detector.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Rules;

/// <summary>
/// Loads the rules when the detector starts (an invalid set stops it with every error and its line and column) and
/// then polls the files: a changed set that is valid replaces the running one, an invalid one is reported and the
/// running rules stay. Polling rather than inotify, because rule folders are often bind mounts or ConfigMaps where
/// change notifications do not arrive.
/// </summary>
public sealed partial class RuleFileWatcher(
    RuleSetProvider provider,
    IOptions<DetectorOptions> options,
    DetectorMetrics metrics,
    ILogger<RuleFileWatcher> logger) : BackgroundService
{
    private string _loadedDigest = "";
    private string? _pendingDigest;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var path = options.Value.Rules;
        var digest = Digest(path);
        var rules = RuleSetLoader.Load(path);
        _loadedDigest = digest;
        provider.Set(rules);
        Loaded(logger, rules.Rules.Count, rules.Files.Count, path, rules.Dimensions);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReloadInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            CheckForChanges();
    }

    /// <summary>Reloads when the files' content changed and stayed so for one more round; true when a new rule set took effect.</summary>
    public bool CheckForChanges()
    {
        var path = options.Value.Rules;
        var digest = Digest(path);
        if (digest == _loadedDigest)
        {
            _pendingDigest = null;
            return false;
        }
        // A file caught half-written changes again by the next round: apply a change once it has held still.
        if (digest != _pendingDigest)
        {
            _pendingDigest = digest;
            return false;
        }
        _loadedDigest = digest;
        _pendingDigest = null;
        try
        {
            var rules = RuleSetLoader.Load(path);
            provider.Set(rules);
            Reloaded(logger, rules.Rules.Count, path);
            return true;
        }
        catch (RuleLoadException e)
        {
            metrics.Errors.Add(1);
            if (logger.IsEnabled(LogLevel.Error))
                Rejected(logger, path, e.Message);
            return false;
        }
    }

    /// <summary>A hash over the names and bytes of the rule files: any edit, addition or removal changes it.</summary>
    private static string Digest(string path)
    {
        try
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                : File.Exists(path) ? [path] : [];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var file in files)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\0"));
                hash.AppendData(File.ReadAllBytes(file));
            }
            return Convert.ToHexString(hash.GetHashAndReset());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Mid-write or briefly unreadable: try again next round, the running rules stay.
            return "unreadable:" + e.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Rules} rules from {Files} files in {Path}; partitioned streams: {Dimensions}")]
    private static partial void Loaded(ILogger logger, int rules, int files, string path, IReadOnlyList<string> dimensions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rules reloaded: {Rules} rules from {Path}")]
    private static partial void Reloaded(ILogger logger, int rules, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rules in {Path} rejected, the running rules stay:\n{Errors}")]
    private static partial void Rejected(ILogger logger, string path, string errors);
}
