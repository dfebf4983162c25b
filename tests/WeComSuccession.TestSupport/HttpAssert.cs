using System.Net;

namespace WeComSuccession.TestSupport;

/// <summary>Status assertions that show what the service said, so that a failure on a CI machine explains itself.</summary>
public static class HttpAssert
{
    public static async Task StatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {(body.Length > 2000 ? body[..2000] + "…" : body)}");
        }
    }
}
