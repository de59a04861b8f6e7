# Assay as a container image for a lab's CI job (README.md, "Running in a
# container or a CI job"):
#   docker build -t assay --build-arg ASSAY_COMMIT="$(git describe --always --dirty --abbrev=12)" .
#   docker run --rm --network host -v "$PWD:/work" assay run --ics ics.xml ...
# Two stages: the first builds the Debian package (as tests/e2e_package.sh
# does), the second installs it on a bare Debian 12 with its runtime
# libraries only.  tests/e2e_docker.sh checks this file without Docker.

FROM debian:12-slim AS build
# The build's packages are those .ci/packages names for it; `file` lets
# cpack derive Depends with dpkg-shlibdeps.
COPY .ci/packages /tmp/assay-packages
RUN . /tmp/assay-packages && apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        $ASSAY_BUILD_PACKAGES file && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# No .git in the build context: the commit `assay --version` names comes
# from the build argument (cmake/commit.cmake).
ARG ASSAY_COMMIT=unknown
RUN ASSAY_COMMIT="$ASSAY_COMMIT" cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF && \
    ASSAY_COMMIT="$ASSAY_COMMIT" cmake --build /build -j"$(nproc)" && \
    cd /build && cpack -G DEB && mv assay_*.deb /assay.deb

FROM debian:12-slim
# apt resolves the package's Depends (the runtime libraries); squashfs-tools
# unpacks squashfs firmware images, ca-certificates lets HTTPS probes and
# update checks verify what the device's vendor serves.
COPY --from=build /assay.deb /tmp/assay.deb
RUN apt-get update && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        /tmp/assay.deb ca-certificates squashfs-tools && \
    rm -rf /var/lib/apt/lists/* /tmp/assay.deb && \
    useradd --uid 1000 --user-group --create-home --shell /usr/sbin/nologin assay && \
    mkdir -p /work && chown assay:assay /work && \
    assay --version
USER assay
WORKDIR /work
VOLUME ["/work"]
ENTRYPOINT ["assay"]
CMD ["--help"]
