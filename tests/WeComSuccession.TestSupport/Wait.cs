namespace WeComSuccession.TestSupport;

public static class Wait
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds or the deadline passes; then fails with
    /// <paramref name="what"/> and, when given, what <paramref name="describe"/> says the state is.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what, Func<Task<string>>? describe = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > deadline)
            {
                var state = describe is null ? "" : " — state: " + await describe();
                Assert.Fail($"Timed out after {deadline.TotalSeconds:F0} s waiting for: {what}{state}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
