using System.Net;
using System.Net.Sockets;

namespace LogSentinel.FaultSuite;

/// <summary>Loopback ports nothing listens on now (the system picks them): every server of a run gets its own.</summary>
internal static class FreePorts
{
    public static int Next(int below = 65536)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port < below)
                return port;
        }
        throw new InvalidOperationException($"no free loopback port below {below}");
    }
}
