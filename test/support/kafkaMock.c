/*
 * A Kafka-protocol broker for the tests: librdkafka's mock cluster (Debian librdkafka-dev,
 * rdkafka_mock.h) on fixed loopback ports, compiled and started by test/support/kafka.ts.
 *
 *   kafka-mock PORT[,PORT...] [TOPIC:PARTITIONS ...]
 *
 * One broker per port (ids 1..N, in port order). The mock has no CreateTopics, so the topics
 * are created here. Prints "READY <bootstrap servers>" once it listens. Signals:
 *   SIGUSR1  refuse every Produce from now on with a retriable error (prints "HELD"), so the
 *            tests can drain what the broker holds before they stop it (its log is in memory);
 *   SIGTERM, SIGINT  destroy the cluster and exit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static int ports[64];
static int port_cnt;
static int next_port;

/*
 * The mock binds each broker to 127.0.0.1 port 0 and has no option for a port. Defining bind()
 * here interposes on librdkafka's call, so broker i gets ports[i] instead: a broker stopped and
 * started again keeps its address, as a real restarted broker does.
 */
int bind(int fd, const struct sockaddr *addr, socklen_t len) {
        static int (*real_bind)(int, const struct sockaddr *, socklen_t);
        if (!real_bind)
                real_bind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
        if (addr && addr->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in) &&
            ((const struct sockaddr_in *)addr)->sin_port == 0 && next_port < port_cnt) {
                struct sockaddr_in sin = *(const struct sockaddr_in *)addr;
                sin.sin_port = htons((uint16_t)ports[next_port++]);
                return real_bind(fd, (const struct sockaddr *)&sin, sizeof(sin));
        }
        return real_bind(fd, addr, len);
}

/*
 * The mock answers Metadata with controller id 0 while its brokers are 1..N, and 2.0.2 has no
 * call to set it; kafkajs asks the controller for an idempotent producer's id ("Broker 0 not
 * found"). The cluster struct starts with `char id[32]` ("mockCluster…"), then the rd_kafka_t
 * pointer, then `int32_t controller_id`: that layout is checked before the id is set, so
 * another librdkafka version fails here instead of being written into blindly.
 */
static int set_controller(rd_kafka_mock_cluster_t *mcluster, rd_kafka_t *rk, int32_t id) {
        struct layout {
                char id[32];
                rd_kafka_t *rk;
                int32_t controller_id;
        } *head = (struct layout *)mcluster;
        if (strncmp(head->id, "mockCluster", 11) != 0 || head->rk != rk || head->controller_id != 0)
                return -1;
        head->controller_id = id;
        return 0;
}

int main(int argc, char **argv) {
        char errstr[512];
        sigset_t signals;
        int sig;

        if (argc < 2) {
                fprintf(stderr, "usage: %s PORT[,PORT...] [TOPIC:PARTITIONS ...]\n", argv[0]);
                return 2;
        }
        for (char *p = strtok(argv[1], ","); p && port_cnt < 64; p = strtok(NULL, ","))
                ports[port_cnt++] = atoi(p);

        /* Before any thread starts, so that only sigwait() below receives these. */
        sigemptyset(&signals);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &signals, NULL);

        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* No notice about the missing bootstrap.servers: this handle only owns the cluster. */
        rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr));
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mcluster = rd_kafka_mock_cluster_new(rk, port_cnt);
        if (!mcluster || next_port != port_cnt) {
                fprintf(stderr, "could not start the mock cluster on the given ports\n");
                return 1;
        }
        if (set_controller(mcluster, rk, 1) != 0) {
                fprintf(stderr, "unexpected mock cluster layout (librdkafka %s): cannot set the controller\n", rd_kafka_version_str());
                return 1;
        }
        for (int i = 2; i < argc; i++) {
                char *colon = strrchr(argv[i], ':');
                int partitions = colon ? atoi(colon + 1) : 1;
                if (colon)
                        *colon = '\0';
                rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, argv[i], partitions, port_cnt < 3 ? port_cnt : 3);
                if (err) {
                        fprintf(stderr, "topic %s: %s\n", argv[i], rd_kafka_err2str(err));
                        return 1;
                }
        }
        printf("READY %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        while (sigwait(&signals, &sig) == 0) {
                if (sig != SIGUSR1)
                        break;
                /* NOT_ENOUGH_REPLICAS: retriable, so producers see an unavailable broker. */
                static rd_kafka_resp_err_t refusals[100000];
                for (size_t i = 0; i < sizeof(refusals) / sizeof(*refusals); i++)
                        refusals[i] = RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS;
                rd_kafka_mock_push_request_errors_array(mcluster, 0 /* Produce */, sizeof(refusals) / sizeof(*refusals), refusals);
                printf("HELD\n");
                fflush(stdout);
        }
        rd_kafka_mock_cluster_destroy(mcluster);
        rd_kafka_destroy(rk);
        return 0;
}
