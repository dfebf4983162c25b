using System.Net;
using System.Net.Sockets;

namespace WeComSuccession.TestSupport;

public static class LoopbackPorts
{
    public static int Free() => Free(1)[0];

    /// <summary>Distinct free loopback ports (each held until all are chosen, so none is handed out twice).</summary>
    public static int[] Free(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }
}
