using System.Net;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using WeComSuccession.Callbacks;

namespace WeComSuccession.Tests.Infrastructure.Jobs;

/// <summary>Hangfire's dashboard at /admin/jobs: behind the admin policy, read-only except for retrying failed jobs, Chinese by default.</summary>
public sealed class JobsDashboardTests : IAsyncLifetime
{
    private static readonly string[] RecurringJobs = ["DirectorySyncJob", "DueWorkJob", "InboxSweepJob", "ReconcileJob"];

    private readonly TestDatabase _database = new();
    private ServiceFactory? _factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _factory = new ServiceFactory(_database.ConnectionString, SuccessionHarness.AdminKeySettings);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory!.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Theory]
    [InlineData("/admin/jobs")]
    [InlineData("/admin/jobs/recurring")]
    [InlineData("/admin/jobs/jobs/failed")]
    public async Task Get_AnonymousBrowser_IsSentToSignInAndSeesNothing(string path)
    {
        using var client = _factory!.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Redirect, response);
        Assert.StartsWith("/admin/signin", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("Hangfire", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_WrongApiKey_Returns401()
    {
        using var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-0123456789abcdef");

        using var response = await client.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Unauthorized, response);
    }

    [Fact]
    public async Task GetRecurring_AdminAcceptingChinese_ListsEveryRecurringJobInChinese()
    {
        using var client = AdminClient("zh-CN,zh;q=0.9,en;q=0.8");
        await Wait.UntilAsync(RecurringJobsRegisteredAsync, TimeSpan.FromSeconds(30), "the recurring jobs registered at start");

        using var response = await client.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        Assert.All(RecurringJobs, job => Assert.Contains(job, page, StringComparison.Ordinal));
        Assert.Contains("定期作业", page, StringComparison.Ordinal); // "Recurring Jobs"
        Assert.DoesNotContain("Recurring Jobs", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fr-FR")]
    public async Task GetHome_AdminWithoutALanguageTheDashboardSpeaks_RendersChinese(string? acceptLanguage)
    {
        using var client = AdminClient(acceptLanguage);

        using var response = await client.GetAsync(new Uri("/admin/jobs", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Contains("服务器", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal); // "Servers"
    }

    [Fact]
    public async Task GetRecurring_AdminAcceptingEnglish_RendersEnglish()
    {
        using var client = AdminClient("en-US,en;q=0.9");

        using var response = await client.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Contains("Recurring Jobs", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecurring_EnglishChosenOnTheDashboardButBrowserAsksChinese_RendersEnglish()
    {
        using var client = AdminClient("zh-CN,zh;q=0.9");
        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c%3Den%7Cuic%3Den");

        using var response = await client.GetAsync(new Uri("/admin/jobs/recurring", UriKind.Relative), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
        Assert.Contains("Recurring Jobs", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/jobs/recurring/trigger", "jobs[]=DueWorkJob")]
    [InlineData("/admin/jobs/recurring/remove", "jobs[]=DueWorkJob")]
    [InlineData("/admin/jobs/jobs/failed/delete", "jobs[]={failed}")]
    [InlineData("/admin/jobs/jobs/actions/delete/{failed}", "")]
    [InlineData("/admin/jobs/jobs/actions/requeue/{succeeded}", "")]
    public async Task Post_AdminCommandOtherThanRetryingAFailedJob_Returns403AndChangesNothing(string path, string form)
    {
        var (failed, succeeded) = CreateFailedAndSucceededJobs();
        await Wait.UntilAsync(RecurringJobsRegisteredAsync, TimeSpan.FromSeconds(30), "the recurring jobs registered at start");
        using var client = AdminClient(null);

        using var response = await client.PostAsync(
            new Uri(path.Replace("{failed}", failed, StringComparison.Ordinal).Replace("{succeeded}", succeeded, StringComparison.Ordinal), UriKind.Relative),
            Form(form.Replace("{failed}", failed, StringComparison.Ordinal)), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, response);
        Assert.Equal(FailedState.StateName, StateOf(failed));
        Assert.Equal(SucceededState.StateName, StateOf(succeeded));
        using var connection = Storage.GetConnection();
        Assert.Contains("DueWorkJob", connection.GetAllItemsFromSet("recurring-jobs"));
    }

    [Theory]
    [InlineData("/admin/jobs/jobs/failed/requeue", "jobs[]={failed}")]
    [InlineData("/admin/jobs/jobs/actions/requeue/{failed}", "")]
    public async Task Post_AdminRetriesAFailedJob_JobIsEnqueuedAgain(string path, string form)
    {
        var (failed, _) = CreateFailedAndSucceededJobs();
        using var client = AdminClient(null);

        using var response = await client.PostAsync(
            new Uri(path.Replace("{failed}", failed, StringComparison.Ordinal), UriKind.Relative), Form(form.Replace("{failed}", failed, StringComparison.Ordinal)), Ct);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.StatusCode}");
        Assert.Contains(StateOf(failed), (string[])[EnqueuedState.StateName, ProcessingState.StateName, SucceededState.StateName]);
    }

    [Fact]
    public async Task PostStats_Admin_Returns200()
    {
        using var client = AdminClient(null);

        using var response = await client.PostAsync(new Uri("/admin/jobs/stats", UriKind.Relative), Form("metrics[]=enqueued:count"), Ct);

        await HttpAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    private JobStorage Storage => _factory!.Services.GetRequiredService<JobStorage>();

    /// <summary>A node registers its recurring jobs in the background as it starts.</summary>
    private Task<bool> RecurringJobsRegisteredAsync()
    {
        using var connection = Storage.GetConnection();
        return Task.FromResult(connection.GetAllItemsFromSet("recurring-jobs").Count == RecurringJobs.Length);
    }

    private HttpClient AdminClient(string? acceptLanguage)
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", SuccessionHarness.AdminKey);
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        }

        return client;
    }

    /// <summary>Two jobs put straight into their states (not run): one Failed for good (its retries used up), one Succeeded.</summary>
    private (string Failed, string Succeeded) CreateFailedAndSucceededJobs()
    {
        var client = _factory!.Services.GetRequiredService<IBackgroundJobClient>();
        var job = Job.FromExpression<InboxSweepJob>(j => j.RunAsync(CancellationToken.None));
        var failed = client.Create(job, new ScheduledState(TimeSpan.FromDays(1)));
        using (var connection = Storage.GetConnection())
        {
            connection.SetJobParameter(failed, "RetryCount", "10"); // else the retry filter turns Failed into Scheduled
        }

        Assert.True(client.ChangeState(failed, new FailedState(new InvalidOperationException("a test failure"))));
        Assert.Equal(FailedState.StateName, StateOf(failed));
        var succeeded = client.Create(job, new SucceededState(null, 1, 1));
        return (failed, succeeded);
    }

    private string? StateOf(string jobId)
    {
        using var connection = Storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    private static FormUrlEncodedContent Form(string form) =>
        new(form.Length == 0 ? [] : form.Split('&').Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p[1])));
}
