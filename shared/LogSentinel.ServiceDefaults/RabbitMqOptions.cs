using System.ComponentModel.DataAnnotations;

namespace LogSentinel.ServiceDefaults;

/// <summary>Where a service finds RabbitMQ: the same settings under each service's section.</summary>
public sealed class RabbitMqOptions
{
    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    /// <summary>
    /// Every deployment uses the fleet's one user, logsentinel (each deploy file sets it), with the password from the
    /// environment (Collector__RabbitMq__Password, Detector__RabbitMq__Password...), never from a file in the
    /// repository. These defaults are the local test broker's: RabbitMQ's own guest, let in from localhost only.
    /// </summary>
    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";
}
