using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// The deterministic analyzer's step for one alert, from what the alert means rather than from its rule id: the
/// rule's type, what it counted per (an address, an account, the host: <see cref="AlertScope"/>) and what that
/// address or account did in the window (failed or successful attempts, probes, rejects, fail2ban's bans). New rules
/// get a sensible step without a line here. A step never names an account it does not know.
/// </summary>
internal static class Recommendations
{
    public static string For(WindowAlert alert, WindowAggregate aggregate)
    {
        var scope = AlertScope.Of(alert);
        var groups = aggregate.Events.Where(g => scope.Names(g.Ip, g.Username)).ToList();
        return scope.About switch
        {
            AlertScope.Address => ForAddress(alert, alert.Ip ?? alert.Offender, groups),
            AlertScope.Account => ForAccount(alert, alert.Username ?? alert.Offender, groups, aggregate.Server),
            _ => ForHost(alert, aggregate),
        };
    }

    private static string ForAddress(WindowAlert alert, string ip, List<AttemptGroup> groups)
    {
        var logins = Accounts(groups, AttemptStatus.Success);
        switch (alert.RuleType)
        {
            case "sequence":
                // Failures then a login: the account that logged in (the alert's only user when its group is not in the top ones).
                if (logins.Count == 0 && alert.Username is { } user)
                    logins.Add(user);
                if (logins.Count > 0)
                    return Compromised(logins, ip);
                // No account at all: the address came back after fail2ban let it go (recidive).
                if (Has(groups, AttemptStatus.Banned) || Has(groups, AttemptStatus.Unbanned))
                    return $"fail2ban banned {ip} again soon after lifting its ban: the ban is too short for it. Block {ip} at the firewall, or give repeat offenders longer bans (fail2ban's recidive jail, bantime.increment).";
                return $"{ip} did all that the rule watches for ({alert.Description}): block it at the firewall unless it is yours.";
            case "fleet":
                return $"{ip} is attacking several servers: block it at the perimeter firewall rather than host by host.";
            case "distinct":
                return $"{ip} is trying many accounts (password spraying or account enumeration): block it (a fail2ban ban or a firewall rule) and check that password authentication is off where keys are used.";
            case "new_value":
                return $"Something not seen before came from {ip} ({alert.Description}): confirm that it is expected; if not, block {ip}.";
        }
        if (Has(groups, AttemptStatus.Failed))
            return $"Block {ip} (a fail2ban ban or a firewall rule) and check that password authentication is off for {Services(groups, AttemptStatus.Failed)}.";
        if (logins.Count > 0)
            return $"Confirm that the login as {Quoted(logins)} from {ip} was expected (an administrator's); if not, treat the account as compromised: lock it, end its sessions, rotate its credentials. Allow such logins only with keys, from networks you know.";
        if (Has(groups, AttemptStatus.Probe))
            return $"{ip} is probing {Services(groups, AttemptStatus.Probe)} without ever authenticating (scans, dropped handshakes): no account is at risk from it; block it at the firewall if it keeps on.";
        if (Has(groups, AttemptStatus.Rejected))
            return $"The server keeps refusing {ip} ({Services(groups, AttemptStatus.Rejected)}), so it is kept out already: block it at the firewall (or in postscreen) if it keeps on, to spare the server the work.";
        if (Has(groups, AttemptStatus.Banned) || Has(groups, AttemptStatus.Found))
            return $"fail2ban is acting on {ip} already: check that its ban holds, and block it at the firewall if it keeps coming back.";
        return $"Review what {ip} did ({alert.Description}) and block it (a fail2ban ban or a firewall rule) unless it is yours.";
    }

    private static string ForAccount(WindowAlert alert, string user, List<AttemptGroup> groups, string host) => alert.RuleType switch
    {
        "sequence" => $"Treat the account '{user}' as compromised until its owner confirms that the success after the failures was theirs: lock it, end its sessions and rotate its credentials.",
        "new_value" => $"Confirm with the owner of '{user}' that the login from {alert.Country ?? "a place not seen before"} was theirs; if not, lock the account and end its sessions.",
        "impossible_travel" => $"'{user}' logged in from places too far apart for the time between the logins{Countries(groups)}: one of them is probably not its owner. End the account's sessions, rotate its credentials and ask its owner which login was theirs.",
        "fleet" => $"The account '{user}' is under attack on several servers: make sure it uses keys or a second factor everywhere, or disable it where it is not needed.",
        "distinct" => $"Many addresses are trying the account '{user}': make sure it uses keys or a second factor, or rename/disable it if it is not needed.",
        _ when alert.Local => $"'{user}' keeps failing or being refused at local authentication on {host} (sudo, su, a console login): ask its owner whether it was them (a forgotten password, a command they may not run); if not, someone else has their session or account: end its sessions and lock it.",
        _ when Has(groups, AttemptStatus.Success) && !Has(groups, AttemptStatus.Failed) => $"Confirm with the owner of '{user}' that these logins were theirs ({alert.Description}); if not, lock the account, end its sessions and rotate its credentials.",
        _ => $"The account '{user}' is under attack ({alert.Description}): make sure it uses keys or a second factor and that its owner knows; rename or disable it if it is not needed.",
    };

    private static string ForHost(WindowAlert alert, WindowAggregate aggregate) => aggregate.Totals.Failed > 0
        ? $"{aggregate.Server} is receiving failed logins from many addresses ({alert.Description}): check that password authentication is off where keys are used and that fail2ban is running and banning; limit who may reach the attacked services at the firewall."
        : $"Review what happened on {aggregate.Server} ({alert.Description}) and confirm that it is expected.";

    private static string Compromised(List<string> accounts, string ip) => accounts.Count == 1
        ? $"Treat the account '{accounts[0]}' as compromised until checked: lock it, end its sessions, review what it did after the login from {ip}, rotate its credentials, and block {ip}."
        : $"Treat the accounts {Quoted(accounts)} as compromised until checked: lock them, end their sessions, review what they did after the logins from {ip}, rotate their credentials, and block {ip}.";

    private static List<string> Accounts(List<AttemptGroup> groups, string status) =>
        groups.Where(g => g.Status == status && g.Username is not null).Select(g => g.Username!).Distinct(StringComparer.Ordinal).ToList();

    private static bool Has(List<AttemptGroup> groups, string status) => groups.Exists(g => g.Status == status);

    private static string Services(List<AttemptGroup> groups, string status) =>
        string.Join(", ", groups.Where(g => g.Status == status).Select(g => g.Service).Distinct(StringComparer.Ordinal));

    private static string Quoted(List<string> accounts) => string.Join(", ", accounts.Select(a => $"'{a}'"));

    private static string Countries(List<AttemptGroup> groups)
    {
        var countries = groups.Where(g => g.Status == AttemptStatus.Success && g.Country is not null).Select(g => g.Country!).Distinct(StringComparer.Ordinal).ToList();
        return countries.Count == 0 ? "" : $" ({string.Join(", ", countries)})";
    }
}
